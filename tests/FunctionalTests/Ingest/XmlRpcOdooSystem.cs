using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Ingest;

/// <summary>A system of its own that syncs over XML-RPC (the default system picks JSON-2): for the tests that must hold on both protocols.</summary>
public sealed class XmlRpcOdooSystem : RealtimeSystem
{
    protected override string OdooProtocol => "xmlrpc";
}

[CollectionDefinition(Name)]
public sealed class XmlRpcOdooCollection : ICollectionFixture<XmlRpcOdooSystem>
{
    public const string Name = "xml-rpc odoo system";
}
