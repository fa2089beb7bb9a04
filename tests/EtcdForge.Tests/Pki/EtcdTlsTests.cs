namespace EtcdForge.Tests.Pki;

// The issued files in the hands of a real etcd: mutual TLS on the client and peer ports.
public sealed class EtcdTlsTests
{
    [Fact]
    public void SingleMemberServesMutualTlsWithTheIssuedCertificates()
    {
        // TlsMember waits for `etcdctl endpoint health` with the client certificate over mutual TLS.
        using var member = new TlsMember();

        // Goes through 3.4's JSON gateway, which dials its own gRPC port with the server certificate as a
        // client certificate: this only succeeds when that certificate also carries clientAuth.
        var put = ExternalTool.Run("curl", "-sS", "--fail-with-body", "--cacert", member.CaCert,
            "--cert", member.ClientCert, "--key", member.ClientKey,
            $"{member.Endpoint}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmFy"}""");
        Assert.True(put.ExitCode == 0 && put.Stdout.Contains("\"header\""), $"put failed: {put.Output}\n{member.Log}");

        var anonymous = ExternalTool.Run("curl", "-sS", "--fail-with-body", "--cacert", member.CaCert,
            $"{member.Endpoint}/v3/kv/put", "-d", """{"key":"Zm9v","value":"YmF6"}""");
        Assert.True(anonymous.ExitCode != 0, $"a request without client certificate was accepted: {anonymous.Output}");
    }
}
