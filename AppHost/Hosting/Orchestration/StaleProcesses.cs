using System.Diagnostics;
using System.Text;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>Finds processes that carry a state folder's marker variable (every child of an AppHost does) and kills them.</summary>
internal static class StaleProcesses
{
    public static void Kill(string stateFolder)
    {
        var marker = Encoding.UTF8.GetBytes($"{StateFolder.MarkerVariable}={stateFolder}\0");
        var stale = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllBytes(System.IO.Path.Combine(directory, "environ")).AsSpan().IndexOf(marker) >= 0)
                {
                    stale.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not ours to read.
            }
        }

        foreach (var pid in stale)
        {
            Console.Error.WriteLine($"[apphost] stopping process {pid} left by an earlier run of {stateFolder}");
            Signals.Send(pid, Signals.Kill);
        }

        var deadline = Stopwatch.StartNew();
        while (stale.Any(pid => Directory.Exists($"/proc/{pid}")) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(100);
        }
    }
}
