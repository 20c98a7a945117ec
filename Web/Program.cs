using ClawGroups.Coordinator.Hosting;
using ClawGroups.Data.Database;
using ClawGroups.Inference.Hosting;
using ClawGroups.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddClawData();
builder.AddInference();
builder.AddCoordinator();
builder.AddClawWeb();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.MapClawWeb();
await app.RunAsync();

/// <summary>The web host's entry point, started by tests with WebApplicationFactory.</summary>
public partial class Program;
