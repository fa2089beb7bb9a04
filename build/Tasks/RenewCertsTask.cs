namespace EtcdForge.Tasks;

// The renewal recipe: IssueCerts renews (every leaf with --force), DeployNodes installs them in a new
// generation and switches the link, BootstrapCluster restarts nothing for that (etcd re-reads certificates
// per handshake), and this step confirms every member now serves what pki/ holds.
[TaskName("RenewCerts")]
[TaskDescription("Renews leaf certificates due for renewal (all with --force), installs them without restarting etcd, and checks that every member serves them")]
[IsDependentOn(typeof(BootstrapClusterTask))]
public sealed class RenewCertsTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context) => await CertificatesTask.Report(context, "RenewCerts", expiries: false);
}
