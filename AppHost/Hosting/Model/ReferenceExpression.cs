using System.Text;

namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>Something whose value is known only at run time, with a placeholder for the manifest.</summary>
public interface IValueProvider
{
    /// <summary>The manifest placeholder, such as <c>{redis.bindings.tcp.port}</c>.</summary>
    string ManifestExpression { get; }

    string GetValue();
}

/// <summary>
/// A string built from literals and value providers, as Aspire's ReferenceExpression: the same
/// definition gives the run-time connection string and the manifest's connectionString expression.
/// </summary>
public sealed class ReferenceExpression : IValueProvider
{
    private readonly object[] _parts;

    private ReferenceExpression(object[] parts) => _parts = parts;

    /// <summary>Parts are literal strings or <see cref="IValueProvider"/>s, concatenated in order.</summary>
    public static ReferenceExpression Create(params object[] parts) =>
        parts.All(part => part is string or IValueProvider)
            ? new ReferenceExpression(parts)
            : throw new ArgumentException("Parts must be strings or value providers.", nameof(parts));

    public string ManifestExpression => Join(part => part is IValueProvider provider ? provider.ManifestExpression : (string)part);

    public string GetValue() => Join(part => part is IValueProvider provider ? provider.GetValue() : (string)part);

    private string Join(Func<object, string> render) =>
        _parts.Aggregate(new StringBuilder(), (text, part) => text.Append(render(part))).ToString();
}

/// <summary>The connection string of another resource, as used inside an expression.</summary>
public sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider
{
    public string ManifestExpression => $"{{{resource.Name}.connectionString}}";

    public string GetValue() => resource.ConnectionStringExpression.GetValue();
}
