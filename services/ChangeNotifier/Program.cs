var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChangeNotifier();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
