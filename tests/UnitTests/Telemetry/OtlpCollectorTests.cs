using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.UnitTests.Telemetry;

/// <summary>The functional tests' OTLP receiver reads what the real OpenTelemetry exporter sends.</summary>
public sealed class OtlpCollectorTests
{
    [Fact]
    public async Task Spans_exported_over_http_protobuf_arrive_with_their_service_ids_parents_names_kinds_and_string_attributes()
    {
        await using var collector = await OtlpCollector.StartAsync();
        using var source = new ActivitySource("collector-test");
        string traceId, parentId, childId;
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .ConfigureResource(resource => resource.AddService("unit-test"))
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = new Uri(collector.Endpoint, "v1/traces");
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var parent = source.StartActivity("outbox publish")!)
            {
                using var child = source.StartActivity("deliver records/settings", ActivityKind.Consumer)!;
                child.SetTag("realtimesync.topic", "records/settings");
                child.SetTag("realtimesync.push.offset", 41L); // not a string: left out
                (traceId, parentId, childId) = (parent.TraceId.ToHexString(), parent.SpanId.ToHexString(), child.SpanId.ToHexString());
            }

            tracing.ForceFlush();
        }

        var spans = collector.Spans;
        var outer = Assert.Single(spans, span => span.Name == "outbox publish");
        var inner = Assert.Single(spans, span => span.Name == "deliver records/settings");
        Assert.Equal(("unit-test", traceId, parentId, (string?)null, ActivityKind.Internal), (outer.Service, outer.TraceId, outer.SpanId, outer.ParentSpanId, outer.Kind));
        Assert.Equal(("unit-test", traceId, childId, parentId, ActivityKind.Consumer), (inner.Service, inner.TraceId, inner.SpanId, inner.ParentSpanId, inner.Kind));
        Assert.Equal("records/settings", inner.Attributes["realtimesync.topic"]);
        Assert.False(inner.Attributes.ContainsKey("realtimesync.push.offset"));
    }

    [Fact]
    public void Fields_it_does_not_know_are_skipped_whatever_their_wire_type()
    {
        // ExportTraceServiceRequest { resource_spans { scope_spans { span { trace_id, span_id, name, start_time (fixed64), field 99 (varint), attribute } } } }
        byte[] traceId = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        byte[] spanId = [.. Enumerable.Range(0xA0, 8).Select(i => (byte)i)];
        var attribute = Message(Field(1, "k"u8), Field(2, Field(1, "v"u8)));
        var span = Message(Field(1, traceId), Field(2, spanId), Field(5, "s"u8), [(7 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8], [0x80 | ((99 << 3) & 0x7F), (99 << 3) >> 7, 42], Field(9, attribute));
        var request = Field(1, Field(2, Field(2, span)));

        var read = Assert.Single(OtlpTraceReader.Read(request));

        Assert.Equal(("", "0102030405060708090a0b0c0d0e0f10", "a0a1a2a3a4a5a6a7", (string?)null, "s"), (read.Service, read.TraceId, read.SpanId, read.ParentSpanId, read.Name));
        Assert.Equal("v", read.Attributes["k"]);
    }

    private static byte[] Field(int number, ReadOnlySpan<byte> value) => [(byte)((number << 3) | 2), (byte)value.Length, .. value];

    private static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(field => field)];
}
