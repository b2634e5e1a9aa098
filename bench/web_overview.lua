-- wrk -s bench/web_overview.lua: the web overview's four requests, in turn on each connection (docs/performance.md).
local paths = {"/api/v1/cases?workflow=member&count=branch,stage", "/api/v1/due?days=30&limit=20",
               "/api/v1/terms?within=183", "/api/v1/rectify/batches"}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
