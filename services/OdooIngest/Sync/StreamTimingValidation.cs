using Microsoft.Extensions.Options;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Refuses at start a stream whose timing cannot keep its promises, naming the stream and the setting.</summary>
public sealed class StreamTimingValidation : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var problems = options.Streams.Select(stream => stream.Value.TimingProblem(stream.Key)).OfType<string>().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
