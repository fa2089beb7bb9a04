namespace EtcdForge.Artifacts;

// One run at a time per cluster's artifacts directory: two runs writing the same CA, certificates and bundles
// at once can leave a key beside another run's certificate. The lock is the kernel's: .NET opens the lock file
// with FileShare.None as flock(LOCK_EX), held for the whole run and released when the process ends however it
// ends (kill -9 included), so there is never a stale lock to clean up. The holder's PID and target sit in a
// second file, for the message of a run that has to wait.
public sealed class ArtifactsLock : IDisposable
{
    public const string FileName = ".lock";
    public const string OwnerFileName = ".lock.owner";
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(60);
    public const string PatienceVariable = "ETCD_FORGE_LOCK_WAIT_SECONDS";

    // .NET reports a refused flock as an IOException carrying errno EWOULDBLOCK; other errors are real ones.
    private const int WouldBlockLinux = 11, WouldBlockMac = 35;

    private readonly FileStream _held;

    private ArtifactsLock(FileStream held) => _held = held;

    /// <param name="waiting">told once, when another run holds the lock and this one starts to wait.</param>
    /// <exception cref="ForgeError">the directory cannot be made, or another run held it for longer than patience.</exception>
    public static ArtifactsLock Acquire(ArtifactLayout layout, string what, TimeSpan patience, TimeProvider clock, Action<string> waiting)
    {
        try
        {
            Directory.CreateDirectory(layout.Cluster);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ForgeError($"--artifacts={layout.Root}: cannot create {layout.Cluster} ({e.Message}); pass a directory you can write to");
        }
        var path = Path.Combine(layout.Cluster, FileName);
        var started = clock.GetTimestamp();
        var told = false;
        while (true)
        {
            if (TryTake(path) is { } held)
            {
                AtomicFile.WriteIfChanged(Path.Combine(layout.Cluster, OwnerFileName),
                    System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId} {what}\n"), AtomicFile.PublicMode);
                return new ArtifactsLock(held);
            }
            var holder = Holder(layout);
            if (clock.GetElapsedTime(started) >= patience)
            {
                throw new ForgeError($"{layout.Cluster} is in use by another etcd-forge run ({holder}) and stayed so for {patience.TotalSeconds:0} s; " +
                    $"let it finish (or stop it) and run again; {PatienceVariable} sets how long to wait");
            }
            if (!told) waiting($"{layout.Cluster} is in use by another etcd-forge run ({holder}); waiting up to {patience.TotalSeconds:0} s for it to finish");
            told = true;
            Thread.Sleep(100);
        }
    }

    private static FileStream? TryTake(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult is WouldBlockLinux or WouldBlockMac)
        {
            return null; // flock refused: another process holds it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ForgeError($"{path} cannot be opened ({e.Message}); make the artifacts directory one you can write to");
        }
    }

    // "PID 1234, --target=Package", or less when the holder has not written it yet.
    private static string Holder(ArtifactLayout layout)
    {
        try
        {
            var owner = File.ReadAllText(Path.Combine(layout.Cluster, OwnerFileName)).Trim().Split(' ', 2);
            return owner.Length == 2 ? $"PID {owner[0]}, {owner[1]}" : $"PID {owner[0]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "PID unknown";
        }
    }

    public void Dispose() => _held.Dispose();
}
