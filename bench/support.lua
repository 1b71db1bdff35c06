-- wrk script: POST a support for a random idea from one of several signed-in accounts.
-- BENCH_COOKIES and BENCH_TOKENS: the accounts' session cookies and CSRF tokens, space-separated, in the same order.
-- BENCH_OWN_IDEAS: the ideas these accounts wrote (space-separated ids): never picked, since a
-- support of one's own idea is refused (409), so every answer but a 2xx is a failure.
-- Each wrk thread seeds its own random numbers (with one seed, both would pick the same ideas).
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
end

function init(args)
  first = tonumber(os.getenv("BENCH_FIRST_IDEA"))
  count = tonumber(os.getenv("BENCH_IDEAS"))
  cookies, tokens, own = {}, {}, {}
  for cookie in string.gmatch(os.getenv("BENCH_COOKIES"), "%S+") do table.insert(cookies, cookie) end
  for token in string.gmatch(os.getenv("BENCH_TOKENS"), "%S+") do table.insert(tokens, token) end
  for id in string.gmatch(os.getenv("BENCH_OWN_IDEAS") or "", "%S+") do own[tonumber(id)] = true end
  math.randomseed(os.time() + number)
end

function request()
  local id = first + math.random(0, count - 1)
  while own[id] do id = first + math.random(0, count - 1) end
  local who = math.random(1, #cookies)
  return wrk.format("POST", "/ideen/" .. id .. "/unterstuetzen", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = cookies[who],
  }, "csrf_token=" .. tokens[who])
end
