namespace EtcdForge.Spelling;

// The "did you mean" of an unknown key or option: the known name fewest edits away, when it is close enough
// to be a typo rather than a different word.
public static class ClosestName
{
    public static string? Among(string name, IEnumerable<string> candidates) =>
        candidates.Select(c => (c, d: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.d <= Math.Max(2, name.Length / 3))
            .OrderBy(x => x.d)
            .Select(x => x.c)
            .FirstOrDefault();

    // Levenshtein distance: insertions, deletions and substitutions each count one.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
