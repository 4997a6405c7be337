using Aspire.Hosting;

namespace RealtimeSync.Hosting.LocalServers;

/// <summary>
/// Where the local servers keep their data: <c>AppHost:StateDirectory</c> (tests give each run its own),
/// else <c>.state/run</c> beside the AppHost's folder, ignored by git.
/// </summary>
internal static class StateFolder
{
    public static string For(IDistributedApplicationBuilder builder, string server)
    {
        var root = builder.Configuration["AppHost:StateDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "..", ".state", "run");
        return Directory.CreateDirectory(Path.GetFullPath(Path.Combine(root, server))).FullName;
    }

    /// <summary>Whether the servers may trade durability for speed (tests: <c>AppHost:Durable=false</c>).</summary>
    public static bool Durable(IDistributedApplicationBuilder builder) => builder.Configuration["AppHost:Durable"] is not "false";

    /// <summary>Writes a file only its owner may read (it holds a password).</summary>
    public static async Task WritePrivateAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
