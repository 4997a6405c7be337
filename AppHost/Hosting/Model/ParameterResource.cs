using System.Security.Cryptography;

namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>
/// A (secret) input, such as a generated password. Its value comes from configuration
/// (<c>Parameters:{name}</c>) or is generated once and kept in the run's state folder, as Aspire keeps
/// generated parameters in user secrets, so a restarted run finds its databases' passwords again.
/// </summary>
public sealed class ParameterResource(string name, bool secret, int minLength, bool special, string? configurationKey = null) : Resource(name), IValueProvider
{
    private string? _value;

    /// <summary>Where the value comes from when set by the operator (Aspire's AddParameterFromConfiguration); such a value is never generated.</summary>
    public string? ConfigurationKey { get; } = configurationKey;

    public bool Secret { get; } = secret;

    public int MinLength { get; } = minLength;

    /// <summary>Whether a generated value may hold punctuation (false where it goes into a URI).</summary>
    public bool Special { get; } = special;

    public string ManifestExpression => $"{{{Name}.value}}";

    public string GetValue() => _value ?? throw new InvalidOperationException($"Parameter '{Name}' has no value before the application starts.");

    internal void SetValue(string value) => _value = value;

    internal string Generate()
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        const string punctuation = "-_.~";
        var alphabet = Special ? letters + punctuation : letters;
        return RandomNumberGenerator.GetString(alphabet, Math.Max(MinLength, 22));
    }
}
