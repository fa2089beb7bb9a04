namespace EtcdForge.Errors;

// A user-fixable problem on one node (unreachable, refused key, failed command). It knows its node, so the
// fan-out over nodes can report one line per failed node without reading the node's name out of the text.
public sealed class NodeError(string nodeName, string detail, Exception? inner = null)
    : ForgeError($"{nodeName}: {detail}", inner)
{
    public string NodeName { get; } = nodeName;

    // What went wrong, without the node's name in front.
    public string Detail { get; } = detail;
}
