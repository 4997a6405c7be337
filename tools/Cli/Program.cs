using RealtimeSync.Cli;

// A terminal client of the gateway, for trying the system by hand (see README):
//   token --user alice [--role editor]... [--key K]       prints a development JWT
//   subscribe <topic>... [--token T] [--gateway URL] [--seconds N]   prints every push frame, one JSON a line
return args.FirstOrDefault() switch
{
    "token" => TokenCommand.Run(new Arguments(args[1..])),
    "subscribe" => await SubscribeCommand.RunAsync(new Arguments(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          token --user <id> [--role <role>]... [--hours N] [--key <signing key>]
          subscribe <topic>... [--token <jwt>] [--gateway http://127.0.0.1:8080] [--seconds N]
        The signing key defaults to AUTH__SIGNINGKEY, then to the key ./run generated (the AppHost's user secrets).
        The token defaults to TOKEN; the gateway to GATEWAY_URL, then http://127.0.0.1:8080.
        """);
    return 2;
}
