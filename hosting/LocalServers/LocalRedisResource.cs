using Aspire.Hosting.ApplicationModel;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>redis-server on a loopback port with a password, nothing persisted (push logs are short-lived by design).</summary>
public sealed class LocalRedisResource(string name, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, DebianPrograms.Find("redis-server"), workingDirectory, password)
{
    /// <summary>Holds the password, so it never shows in the process list; readable by its owner alone.</summary>
    public string ConfigFile => Path.Combine(DataFolder, "redis.conf");

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Host}:{Port},password={PasswordParameter}");
}
