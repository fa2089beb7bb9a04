namespace EtcdForge.Download;

// One line per quarter, so a CI log shows the download moving without thousands of lines.
public sealed class LogLineProgress(ICakeLog log) : ITransferDisplay
{
    public Task<T> ShowAsync<T>(string label, Func<ITransferProgress, Task<T>> transfer) =>
        transfer(new Quarters(label, log));

    private sealed class Quarters(string label, ICakeLog log) : ITransferProgress
    {
        private int _lastQuarter = -1;

        public void Report(long bytesDone, long? bytesTotal)
        {
            if (bytesTotal is not > 0) return;
            if (bytesDone == 0) _lastQuarter = -1;
            var quarter = (int)(bytesDone * 4 / bytesTotal.Value);
            if (quarter <= _lastQuarter) return;
            _lastQuarter = quarter;
            log.Information("  {0}: {1}% of {2:0.0} MB", label, quarter * 25, bytesTotal.Value / 1048576.0);
        }
    }
}
