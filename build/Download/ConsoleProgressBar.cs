using Spectre.Console;

namespace EtcdForge.Download;

public sealed class ConsoleProgressBar : ITransferDisplay
{
    public Task<T> ShowAsync<T>(string label, Func<ITransferProgress, Task<T>> transfer) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(ctx => transfer(new Bar(ctx.AddTask(Markup.Escape(label), autoStart: true))));

    private sealed class Bar(ProgressTask task) : ITransferProgress
    {
        public void Report(long bytesDone, long? bytesTotal)
        {
            if (bytesTotal is > 0) task.MaxValue = bytesTotal.Value;
            else task.IsIndeterminate = true;
            task.Value = bytesDone;
        }
    }
}
