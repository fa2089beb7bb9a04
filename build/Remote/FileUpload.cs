namespace EtcdForge.Remote;

/// <summary>One file for <see cref="INodeShell.UploadAsync"/>: where it goes, what it holds, its mode.</summary>
public sealed record FileUpload(string Path, Stream Content, UnixFileMode Mode);
