using System.Runtime.Versioning;

// The local servers run from Debian's packages and are Linux-only.
[assembly: SupportedOSPlatform("linux")]
