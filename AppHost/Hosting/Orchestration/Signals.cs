using System.Runtime.InteropServices;

namespace RealtimeSync.AppHost.Hosting.Orchestration;

/// <summary>POSIX signals; .NET's Process.Kill only sends SIGKILL, and shutdowns here must be graceful first.</summary>
internal static partial class Signals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>Signals a process; each child runs in its own session (setsid), so a negative id reaches its whole group.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    public static void SendToGroup(int pid, int signal)
    {
        if (kill(-pid, signal) != 0)
        {
            kill(pid, signal);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    public static bool IsRoot => geteuid() == 0;
}
