using System.Runtime.Versioning;

// The AppHost runs servers as local processes with setsid, setpriv, POSIX signals and /proc: Linux only.
// (A move to Aspire.Hosting, which runs them as containers through DCP, lifts this.)
[assembly: SupportedOSPlatform("linux")]
