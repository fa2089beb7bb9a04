// Keys are protected with POSIX file modes and the nodes run Linux, so the build machine must be Unix-like.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
