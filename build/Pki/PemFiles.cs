using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.X509;

namespace EtcdForge.Pki;

// PEM in the forms openssl, Go's crypto/tls and .NET's CreateFromPemFile all read: "CERTIFICATE" and
// PKCS#8 "PRIVATE KEY".
public static class PemFiles
{
    public static byte[] Encode(X509Certificate certificate) => Write(certificate);

    public static byte[] Encode(AsymmetricKeyParameter privateKey) => Write(new Pkcs8Generator(privateKey).Generate());

    /// <exception cref="InvalidDataException">the file holds no readable certificate.</exception>
    public static X509Certificate ReadCertificate(string path) =>
        Read(path) as X509Certificate ?? throw new InvalidDataException($"{path} holds no PEM certificate");

    // Also takes the "EC PRIVATE KEY" / "RSA PRIVATE KEY" forms that cfssl writes, so an existing cfssl CA can be adopted.
    /// <exception cref="InvalidDataException">the file holds no readable private key.</exception>
    public static AsymmetricKeyParameter ReadPrivateKey(string path) => Read(path) switch
    {
        AsymmetricCipherKeyPair pair => pair.Private,
        AsymmetricKeyParameter { IsPrivate: true } key => key,
        _ => throw new InvalidDataException($"{path} holds no PEM private key"),
    };

    private static object? Read(string path)
    {
        using var reader = new StreamReader(path);
        try
        {
            return new PemReader(reader).ReadObject();
        }
        catch (Exception ex) when (ex is IOException or PemException or ArgumentException or InvalidCastException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    private static byte[] Write(object pemObject)
    {
        using var text = new StringWriter();
        var writer = new PemWriter(text);
        writer.WriteObject(pemObject);
        writer.Writer.Flush();
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }
}
