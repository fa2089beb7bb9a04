using EtcdForge.Download;

namespace EtcdForge.Image;

// What a binary needs besides itself to run in an image with nothing else in it. The official etcd releases are
// static (no ELF interpreter: nothing needed); Debian's are dynamically linked against glibc, so the image must
// carry the interpreter the ELF header names and every library `ldd` resolves, at the same paths.
public static class ElfDependencies
{
    private const uint PtInterp = 3;

    /// <returns>Absolute paths, sorted; empty for a static binary.</returns>
    public static async Task<IReadOnlyList<string>> OfAsync(string binary)
    {
        if (Interpreter(binary) is not { } interpreter) return [];
        var ldd = await ExternalCommand.RunAsync("ldd", [binary], TimeSpan.FromSeconds(30));
        if (ldd.ExitCode != 0) throw new ForgeError($"ldd {binary} failed (exit {ldd.ExitCode}): {ldd.LastErrorLine}; the image needs its libraries");
        var paths = new SortedSet<string>(StringComparer.Ordinal) { interpreter };
        foreach (var line in ldd.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.Contains("not found", StringComparison.Ordinal))
            {
                throw new ForgeError($"{binary} needs a library this machine lacks ({line}); install it or use a static etcd release");
            }
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)";
            // the vDSO ("linux-vdso.so.1 (0x...)") is the kernel's and has no file.
            var target = line.Contains("=>", StringComparison.Ordinal) ? line[(line.IndexOf("=>", StringComparison.Ordinal) + 2)..].Trim() : line;
            var path = target.Split(' ')[0];
            if (path.StartsWith('/')) paths.Add(path);
        }
        return [.. paths];
    }

    // PT_INTERP from the program headers of a 64-bit little-endian ELF file (what etcd is built as for Linux).
    public static string? Interpreter(string binary)
    {
        using var file = File.OpenRead(binary);
        using var reader = new BinaryReader(file);
        var ident = reader.ReadBytes(16);
        if (ident.Length < 16 || ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
        {
            throw new ForgeError($"{binary} is not an ELF executable; the image needs Linux etcd binaries");
        }
        if (ident[4] != 2 || ident[5] != 1) throw new ForgeError($"{binary} is not a 64-bit little-endian ELF executable");
        file.Position = 0x20;
        var programHeaders = reader.ReadInt64();
        file.Position = 0x36;
        var entrySize = reader.ReadUInt16();
        var count = reader.ReadUInt16();
        for (var i = 0; i < count; i++)
        {
            file.Position = programHeaders + (long)i * entrySize;
            if (reader.ReadUInt32() != PtInterp) continue;
            file.Position = programHeaders + (long)i * entrySize + 8;
            var offset = reader.ReadInt64();
            file.Position = programHeaders + (long)i * entrySize + 0x20;
            var size = reader.ReadInt64();
            file.Position = offset;
            return System.Text.Encoding.ASCII.GetString(reader.ReadBytes((int)size)).TrimEnd('\0');
        }
        return null;
    }
}
