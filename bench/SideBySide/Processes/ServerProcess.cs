namespace RealtimeSync.Bench.SideBySide.Processes;

/// <summary>One process of a system under test; <paramref name="Name"/> groups several (PostgreSQL's backends, RabbitMQ's Erlang VM).</summary>
internal sealed record ServerProcess(string Name, int Pid, PathRole Role);
