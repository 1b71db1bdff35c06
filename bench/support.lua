-- wrk script: POST a support for a random idea from one of several signed-in accounts.
-- BENCH_COOKIES and BENCH_TOKENS: the accounts' session cookies and CSRF tokens, space-separated, in the same order.
local first = tonumber(os.getenv("BENCH_FIRST_IDEA"))
local count = tonumber(os.getenv("BENCH_IDEAS"))
local cookies, tokens = {}, {}
for cookie in string.gmatch(os.getenv("BENCH_COOKIES"), "%S+") do table.insert(cookies, cookie) end
for token in string.gmatch(os.getenv("BENCH_TOKENS"), "%S+") do table.insert(tokens, token) end
math.randomseed(os.time())
request = function()
  local id = first + math.random(0, count - 1)
  local who = math.random(1, #cookies)
  return wrk.format("POST", "/ideen/" .. id .. "/unterstuetzen", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = cookies[who],
  }, "csrf_token=" .. tokens[who])
end
