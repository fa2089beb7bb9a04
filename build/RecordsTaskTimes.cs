using Cake.Core;
using EtcdForge.Reporting;

namespace EtcdForge;

// With --task-report=FILE: each task's seconds and peak memory go to FILE as the task ends (see TaskReport).
public sealed class RecordsTaskTimes : FrostingTaskTeardown<BuildContext>
{
    private TaskReport? _report;

    public override void Teardown(BuildContext context, ITaskTeardownContext info)
    {
        if (context.Options.TaskReport is not { } path) return;
        _report ??= new TaskReport(path);
        var status = info.Skipped ? "skipped" : info.Successful ? "succeeded" : "failed";
        _report.Add(info.Task.Name, status, info.Duration, PeakMemory.Bytes());
        PeakMemory.Reset();
    }
}
