using System.Runtime.Versioning;

// The AppHost these tests start is Linux-only (local server processes, POSIX signals).
[assembly: SupportedOSPlatform("linux")]
