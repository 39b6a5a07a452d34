using Npgsql;

namespace EventApi.Integration.Infrastructure;

/// <summary>Looks at what the API stored, behind its back.</summary>
public static class Database
{
    /// <summary>How many rows of any table in the test database contain <paramref name="text"/> anywhere.</summary>
    public static async Task<int> CountRowsContaining(ApiFactory api, string text)
    {
        await using var store = api.Store.Storage.Database.CreateConnection();
        await store.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables " +
                         "where schemaname not in ('pg_catalog', 'information_schema')", store))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }

        var total = 0;
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from {table} t where strpos(t::text, @text) > 0", store);
            count.Parameters.AddWithValue("text", text);
            total += (int)(long)(await count.ExecuteScalarAsync())!;
        }

        return total;
    }
}
