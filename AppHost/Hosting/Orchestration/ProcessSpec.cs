namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>How to launch one process: program, arguments, environment, folder, and the system user it runs as.</summary>
public sealed record ProcessSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string? RunAsUser = null);
