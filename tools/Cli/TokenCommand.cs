using System.Text.Json;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.Cli;

/// <summary>Mints a development token with the HS256 key the services were started with.</summary>
internal static class TokenCommand
{
    public static int Run(Arguments arguments)
    {
        if (arguments.Option("--user") is not { Length: > 0 } user)
        {
            Console.Error.WriteLine("token needs --user <id>");
            return 2;
        }

        var key = arguments.Option("--key") ?? Environment.GetEnvironmentVariable("AUTH__SIGNINGKEY") ?? KeyFromRun();
        if (key is null)
        {
            Console.Error.WriteLine("No signing key: pass --key, set AUTH__SIGNINGKEY, or start ./run once (it generates one).");
            return 1;
        }

        var hours = double.Parse(arguments.Option("--hours") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine(DevTokens.Create(key, user, arguments.All("--role"), TimeSpan.FromHours(hours)));
        return 0;
    }

    /// <summary>The key the AppHost generated and keeps in its user secrets (Aspire persists generated parameters there).</summary>
    private static string? KeyFromRun()
    {
        var secrets = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".microsoft", "usersecrets", "realtimesync-apphost", "secrets.json");
        return File.Exists(secrets)
            ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(secrets))?.GetValueOrDefault("Parameters:jwt-signing-key").ToString() is { Length: > 0 } key ? key : null
            : null;
    }
}
