using EtcdForge.Artifacts;
using EtcdForge.Nodes;

namespace EtcdForge.Packaging;

// install.sh: puts an unpacked node bundle in place on its host. POSIX sh, because the target may have
// nothing else; idempotent, because it is re-run on every deploy; DESTDIR lets it be tried without root.
public static class InstallScript
{
    public const string FileName = "install.sh";

    // systemInstall is false for sandbox nodes: their tree lives in the build user's artifacts folder, so the
    // script must never create an etcd user or chown there, even when run by root.
    public static string Render(string nodeName, NodePaths paths, string leafGeneration, bool hasEtcdutl, bool systemInstall)
    {
        var ssl = new SslFiles(paths.SslDir, nodeName);
        var binaries = hasEtcdutl ? new[] { "etcd", "etcdctl", "etcdutl" } : ["etcd", "etcdctl"];
        var lines = new List<string>();
        foreach (var bin in binaries)
            lines.Add($"install_file bin/{bin} {Q(Path.Combine(paths.BinDir, bin))} 755 root");
        lines.Add($"install_file ssl/{SslFiles.CaFileName} {Q(ssl.Ca)} 644 root");
        // The leaf files go into their generation directory first; only then is the link switched to it.
        var generation = Path.Combine(paths.SslDir, leafGeneration);
        lines.Add($"ensure_dir {Q(generation)} 700 etcd");
        foreach (var (name, mode, owner) in new[] { (ssl.ServerCertName, 644, "root"), (ssl.ServerKeyName, 600, "etcd"), (ssl.PeerCertName, 644, "root"), (ssl.PeerKeyName, 600, "etcd") })
            lines.Add($"install_file ssl/{leafGeneration}/{name} {Q(Path.Combine(generation, name))} {mode} {owner}");
        lines.Add($"switch_leaf {Q(paths.SslDir)} {Q(leafGeneration)}");
        lines.Add($"install_file etcd.conf.yml {Q(paths.ConfigFile)} 644 root");
        lines.Add($"install_file {SystemdUnit.FileName} {Q(paths.UnitFile)} 644 root");

        return Template
            .Replace("@NODE@", nodeName)
            .Replace("@SYSTEM@", systemInstall ? "true" : "false")
            .Replace("@DATA_DIR@", Q(paths.DataDir))
            .Replace("@BIN_DIR@", Q(paths.BinDir))
            .Replace("@CONFIG_DIR@", Q(paths.ConfigDir))
            .Replace("@SSL_DIR@", Q(paths.SslDir))
            .Replace("@UNIT_DIR@", Q(Path.GetDirectoryName(paths.UnitFile)!))
            .Replace("@FILES@", string.Join("\n", lines));
    }

    private static string Q(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private const string Template =
        """
        #!/bin/sh
        # Installs the etcd-forge bundle of member @NODE@ from the directory this script is in.
        # Re-running it changes nothing unless the bundle changed; it prints every change it makes.
        # DESTDIR=/some/dir installs below that directory instead of / (needs no root; ownership is then left alone).
        set -eu
        umask 077

        DESTDIR="${DESTDIR:-}"
        bundle=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
        cd "$bundle"

        # A damaged or tampered bundle must not reach the host, not even partly.
        if ! sha256sum -c --quiet --strict SHA256SUMS; then
            echo "install.sh: the bundle does not match its SHA256SUMS; nothing installed" >&2
            exit 1
        fi

        changes=0
        changed() { echo "install.sh: $*"; changes=$((changes + 1)); }

        # Ownership only makes sense, and is only possible, when root installs onto the real system.
        as_root=false
        if @SYSTEM@ && [ "$(id -u)" -eq 0 ] && [ -z "$DESTDIR" ]; then as_root=true; fi

        if $as_root; then
            if ! getent group etcd >/dev/null; then groupadd --system etcd; changed "created group etcd"; fi
            if ! getent passwd etcd >/dev/null; then
                nologin=/usr/sbin/nologin
                [ -x "$nologin" ] || nologin=/sbin/nologin
                useradd --system --gid etcd --home-dir @DATA_DIR@ --no-create-home --shell "$nologin" etcd
                changed "created user etcd"
            fi
        fi

        # ensure_owner PATH OWNER: OWNER is root or etcd; the group follows the owner.
        ensure_owner() {
            $as_root || return 0
            if [ "$(stat -c %U:%G "$1")" != "$2:$2" ]; then chown "$2:$2" "$1"; changed "owner of $1 set to $2"; fi
        }

        ensure_mode() {
            if [ "$(stat -c %a "$1")" != "$2" ]; then chmod "$2" "$1"; changed "mode of $1 set to $2"; fi
        }

        # ensure_dir PATH MODE OWNER
        ensure_dir() {
            target="$DESTDIR$1"
            if [ ! -d "$target" ]; then mkdir -p "$target"; changed "created $target"; fi
            ensure_mode "$target" "$2"
            ensure_owner "$target" "$3"
        }

        # install_file SOURCE DEST MODE OWNER: copied under a temporary name and renamed into place, so etcd
        # never reads a half-written file, and only when the content differs.
        install_file() {
            target="$DESTDIR$2"
            wanted=$(sha256sum < "$1" | cut -d' ' -f1)
            if [ ! -f "$target" ] || [ "$(sha256sum < "$target" | cut -d' ' -f1)" != "$wanted" ]; then
                tmp="$target.install.$$"
                cp "$1" "$tmp"
                chmod "$3" "$tmp"
                if $as_root; then chown "$4:$4" "$tmp"; fi
                mv -f "$tmp" "$target"
                changed "installed $target"
            fi
            ensure_mode "$target" "$3"
            ensure_owner "$target" "$4"
        }

        # switch_leaf SSL_DIR GENERATION: etcd reads its certificate and key through SSL_DIR/leaf on every handshake;
        # one rename of the link swaps both together (no restart needed), then older generations are removed.
        switch_leaf() {
            dir="$DESTDIR$1"
            if [ "$(readlink "$dir/leaf" 2>/dev/null)" != "$2" ]; then
                ln -sfn "$2" "$dir/.leaf.tmp"
                mv -Tf "$dir/.leaf.tmp" "$dir/leaf"
                changed "pointed $dir/leaf at $2"
            fi
            for g in "$dir"/leaf-*; do
                if [ -d "$g" ] && [ "${g##*/}" != "$2" ]; then rm -rf -- "$g"; changed "removed $g"; fi
            done
        }

        ensure_dir @BIN_DIR@ 755 root
        ensure_dir @CONFIG_DIR@ 755 root
        ensure_dir @SSL_DIR@ 700 etcd
        ensure_dir @DATA_DIR@ 700 etcd
        ensure_dir @UNIT_DIR@ 755 root

        @FILES@

        if [ "$changes" -eq 0 ]; then
            echo "install.sh: nothing changed"
        else
            echo "install.sh: $changes change(s)"
            if $as_root; then echo "install.sh: run 'systemctl daemon-reload' and restart etcd to apply them"; fi
        fi

        """;
}
