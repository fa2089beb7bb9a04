// The code under test is marked Unix-only (POSIX modes protect keys); the tests inherit that.
// The attribute allows duplicates, so another test folder declaring it too does not conflict.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
