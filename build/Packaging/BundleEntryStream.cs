using System.Formats.Tar;
using System.IO.Compression;

namespace EtcdForge.Packaging;

// One file's bytes read out of a bundle (.tar.gz) as a stream, the bundle unpacked only up to and through that
// file; disposing it closes the bundle.
public sealed class BundleEntryStream : Stream
{
    private readonly Stream _bundle;
    private readonly TarReader _reader;
    private readonly Stream _data;

    private BundleEntryStream(Stream bundle, TarReader reader, Stream data)
    {
        _bundle = bundle;
        _reader = reader;
        _data = data;
    }

    public static BundleEntryStream Open(string bundle, string entry)
    {
        var gzip = new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress);
        var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } tar)
        {
            if (tar.Name == entry && tar.DataStream is { } data) return new BundleEntryStream(gzip, reader, data);
        }
        reader.Dispose();
        gzip.Dispose();
        throw new ForgeError($"{bundle} no longer holds {entry}: run --target=Package again");
    }

    public override int Read(byte[] buffer, int offset, int count) => _data.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => _data.Read(buffer);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
            _bundle.Dispose();
        }
        base.Dispose(disposing);
    }
}
