using System.Text.Json;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>
/// Everything one run keeps on disk: server data, logs, generated secrets. One AppHost at a time
/// holds its lock; processes a dead AppHost left behind are found by the marker variable they
/// inherited and stopped, so a second run always starts clean.
/// </summary>
public sealed class StateFolder : IDisposable
{
    public const string MarkerVariable = "REALTIMESYNC_APPHOST_STATE";

    private FileStream? _lock;

    public StateFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(Logs);
    }

    public string Path { get; }

    public string Logs => Sub("logs");

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Takes the folder for this AppHost; fails clearly if another live AppHost has it.</summary>
    public void Acquire()
    {
        try
        {
            _lock = new FileStream(Sub("apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"Another AppHost is running with state folder {Path}; stop it first.", ex);
        }

        StaleProcesses.Kill(Path);
    }

    /// <summary>Generated secrets survive restarts, so data made in an earlier run stays reachable.</summary>
    public Dictionary<string, string> LoadSecrets()
    {
        var file = Sub("secrets.json");
        return File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
            : [];
    }

    public void SaveSecrets(Dictionary<string, string> secrets)
    {
        var file = Sub("secrets.json");
        File.WriteAllText(file, JsonSerializer.Serialize(secrets));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
