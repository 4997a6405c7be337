using System.Runtime.Versioning;

// Starts the AppHost, which is Linux-only.
[assembly: SupportedOSPlatform("linux")]
