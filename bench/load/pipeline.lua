-- wrk's pipelining: each write carries `depth` requests (wrk counts every response).
-- wrk -s pipeline.lua URL -- DEPTH
local req
function init(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do r[i] = wrk.format() end
  req = table.concat(r)
end
function request()
  return req
end
