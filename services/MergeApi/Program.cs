var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMergeApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapMergeApi();

app.Run();
