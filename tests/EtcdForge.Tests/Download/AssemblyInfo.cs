// The code under test is marked Unix-only (POSIX file modes); so are its tests.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
