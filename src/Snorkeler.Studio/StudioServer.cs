using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Snorkeler.Studio;

/// <summary>
/// The studio's web server: Kestrel on the loopback address, every request refused (403) unless it carries the
/// access token (the <c>token</c> query parameter, the <c>X-Studio-Token</c> header, or the cookie the page gets
/// when opened with the token), bodies over <see cref="MaxRequestBytes"/> refused (413), the page's files served
/// from the assembly's resources and the JSON API of <see cref="StudioApi"/>.
/// </summary>
public sealed class StudioServer : IAsyncDisposable
{
    /// <summary>The largest request body accepted.</summary>
    public const long MaxRequestBytes = 2 << 20;

    /// <summary>The header that carries the token.</summary>
    public const string TokenHeader = "X-Studio-Token";

    private const string CookieName = "snorkeler_studio";

    /// <summary>Thread-pool threads available at once, whatever the core count (see <see cref="StartAsync"/>).</summary>
    private const int MinPoolThreads = 16;

    private readonly WebApplication _app;

    private StudioServer(WebApplication app, string token, Uri address)
    {
        _app = app;
        Token = token;
        Address = address;
    }

    /// <summary>The access token.</summary>
    public string Token { get; }

    /// <summary>The address the server listens on (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Address { get; }

    /// <summary>The address to open: with the token.</summary>
    public Uri Url => new(Address, $"?token={Token}");

    /// <summary>Starts serving <paramref name="session"/> on <paramref name="address"/> (loopback by default) and <paramref name="port"/> (0: any free port).</summary>
    public static async Task<StudioServer> StartAsync(StudioSession session, int port = 0, IPAddress? address = null, string? token = null, CancellationToken cancellation = default)
    {
        Guard.NotNull(session);
        // Requests wait for the session's lock while an edit runs (the page polls its state every 1.5 s), each holding a
        // thread-pool thread; the edit's applier needs pool threads to wake its workers. The pool starts with one thread
        // per core and adds more only about twice a second, so on two cores an edit could stall for seconds: start it larger.
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, MinPoolThreads), completion);
        token ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBytes;
            k.AddServerHeader = false;
            k.Listen(address ?? IPAddress.Loopback, port);
        });
        // A request that cannot be bound (bad JSON, a field of the wrong type) throws, so ApiErrors answers it with a message.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        var app = builder.Build();
        var expected = Encoding.ASCII.GetBytes(token);
        app.Use(async (context, next) =>
        {
            var given = context.Request.Headers[TokenHeader].FirstOrDefault() ?? context.Request.Query["token"].FirstOrDefault() ?? context.Request.Cookies[CookieName];
            if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), expected))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("snorkeler studio: open the address with the token the command printed (…/?token=…)\n");
                return;
            }
            if (context.Request.Query.ContainsKey("token"))
                context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            context.Response.Headers["Cache-Control"] = "no-store";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
            await ApiErrors.Handle(context, () => next(context));
        });
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/studio.js", () => Asset("studio.js", "text/javascript; charset=utf-8"));
        app.MapGet("/studio.css", () => Asset("studio.css", "text/css; charset=utf-8"));
        StudioApi.Map(app, session);
        await app.StartAsync(cancellation);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StudioServer(app, token, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("studio/" + name)
            ?? throw new InvalidOperationException($"the studio's {name} is missing from the assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Results.Bytes(memory.ToArray(), contentType);
    }

    /// <summary>Waits until the server is stopped (Ctrl-C cancels <paramref name="cancellation"/>).</summary>
    public Task WaitAsync(CancellationToken cancellation) => Task.Delay(Timeout.Infinite, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
