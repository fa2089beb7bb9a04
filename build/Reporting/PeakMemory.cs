namespace EtcdForge.Reporting;

// This process's peak resident memory since the last Reset, as the kernel keeps it (VmHWM, what /usr/bin/time -v
// reports as "Maximum resident set size" for a whole run). Reset starts a new high-water mark at the current
// resident size (writing 5 to /proc/self/clear_refs), so each task's peak is its own, on top of what earlier tasks
// left resident. Null where /proc does not say (not Linux).
public static class PeakMemory
{
    public static long? Bytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without it the figures are peaks since the start of the run: still upper bounds.
        }
    }
}
