using System.Runtime.Versioning;

// The AppHost whose model these tests read is Linux-only (local server processes, POSIX signals).
[assembly: SupportedOSPlatform("linux")]
