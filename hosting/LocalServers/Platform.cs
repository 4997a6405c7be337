using System.Runtime.Versioning;

// The local servers run from Debian's packages, under Linux accounts and modes.
[assembly: SupportedOSPlatform("linux")]
