namespace EtcdForge.Packaging;

// A write-only stream that checks what is written against an existing file's bytes (or what they unpack to),
// so "would this write change the file?" is answered without holding either side in memory. The first difference
// ends the writing at once (the writer's work after it would be wasted).
public sealed class ExpectedBytesStream(Stream expected) : WriteOnlyStream
{
    private sealed class Differs : Exception;

    private readonly byte[] _buffer = new byte[81920];

    /// <returns>true when write produces exactly the bytes of expected, to its end.</returns>
    public static bool Matches(Stream expected, Action<Stream> write)
    {
        var check = new ExpectedBytesStream(expected);
        try
        {
            write(check);
        }
        catch (Differs)
        {
            return false;
        }
        return expected.Read(check._buffer, 0, 1) == 0;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = expected.Read(_buffer, 0, Math.Min(buffer.Length, _buffer.Length));
            if (read == 0 || !buffer[..read].SequenceEqual(_buffer.AsSpan(0, read))) throw new Differs();
            buffer = buffer[read..];
        }
    }

}
