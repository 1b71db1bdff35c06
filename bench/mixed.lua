-- wrk script: a mixed load. 95 % anonymous GETs of BENCH_PATHS (chosen at random), 5 % writes:
-- a support (or, if that account already supports the idea, its withdrawal) of one of BENCH_HOT_IDEAS
-- from one of the signed-in accounts, so every write changes something. Each wrk thread uses its own
-- half of the accounts, so its idea of who supports what stays true.
-- Counts the page cache's answers (X-Page-Cache: hit / miss) and prints them when done.
-- BENCH_COOKIES and BENCH_TOKENS: the accounts' session cookies and CSRF tokens, space-separated, in the same order.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end

local function words(name)
  local list = {}
  for word in string.gmatch(os.getenv(name) or "", "%S+") do table.insert(list, word) end
  return list
end

function init(args)
  paths = words("BENCH_PATHS")
  ideas = words("BENCH_HOT_IDEAS")
  local cookies, tokens = words("BENCH_COOKIES"), words("BENCH_TOKENS")
  accounts = {}
  for i = 1, #cookies do
    if (i % 2) == (number % 2) then table.insert(accounts, {cookie = cookies[i], token = tokens[i], supports = {}}) end
  end
  hits, misses, writes = 0, 0, 0
  math.randomseed(os.time() + number)
end

function request()
  if math.random() < 0.05 and #accounts > 0 then
    writes = writes + 1
    local account = accounts[math.random(1, #accounts)]
    local idea = ideas[math.random(1, #ideas)]
    local action = account.supports[idea] and "/unterstuetzung-zurueckziehen" or "/unterstuetzen"
    account.supports[idea] = not account.supports[idea]
    return wrk.format("POST", "/ideen/" .. idea .. action, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "application/json",
      ["Cookie"] = account.cookie,
    }, "csrf_token=" .. account.token)
  end
  return wrk.format("GET", paths[math.random(1, #paths)])
end

function response(status, headers, body)
  local answer = headers["X-Page-Cache"]
  if answer == "hit" then hits = hits + 1 elseif answer == "miss" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local h, m, w = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    w = w + thread:get("writes")
  end
  io.write(string.format("page cache: hits %d misses %d writes %d\n", h, m, w))
end
