using EtcdForge.Backup;

namespace EtcdForge.Tests.Backup;

public sealed class BackupStoreTests
{
    [Fact]
    public void Names_carry_time_and_revision_and_pruning_keeps_the_newest_with_their_records()
    {
        using var dir = new TempDir();
        var store = new BackupStore(dir.Path, "prod");
        var start = new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);
        var names = Enumerable.Range(0, 4).Select(i => store.NameFor(start.AddHours(i), 100 + i)).ToList();
        foreach (var name in names)
        {
            File.WriteAllText(name, "db");
            File.WriteAllText(BackupRecord.PathBeside(name), "{}");
        }
        File.WriteAllText(dir.Combine("notes.db"), "not a backup");

        Assert.Equal("prod-20261201T050000Z-rev100.db", Path.GetFileName(names[0]));
        var pruned = store.Prune(2);

        Assert.Equal(names.Take(2), pruned);
        Assert.Equal(names.Skip(2), store.All());
        Assert.Equal(names[3], store.Newest());
        Assert.False(File.Exists(BackupRecord.PathBeside(names[0])));
        Assert.True(File.Exists(dir.Combine("notes.db")));
    }
}
