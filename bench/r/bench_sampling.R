# The R side of bench/bench_sampling.py: the same work with R's survey and sampling packages.
# Prints one line per figure: "<name> <seconds>" (the best of `repeats` runs).
suppressMessages({library(survey); library(sampling)})
args <- commandArgs(trailingOnly = TRUE)
repeats <- if (length(args)) as.integer(args[1]) else 3
best <- function(expr) {
  code <- substitute(expr)
  env <- parent.frame()
  min(replicate(repeats, system.time(eval(code, env))[["elapsed"]]))
}
set.seed(1)

# A frame of 1,000,000 units in 30 strata; a proportional stratified draw of 2,000.
N <- 1e6; H <- 30
frame <- data.frame(key = sprintf("%016x", seq_len(N)), h = sprintf("town%02d", (seq_len(N) * 7919) %% H))
frame <- frame[order(frame$h), ]
Nh <- as.vector(table(frame$h))
nh <- round(2000 * Nh / N)
cat("draw_base", best({
  idx <- split(seq_len(N), frame$h)
  unlist(mapply(function(i, k) i[sample.int(length(i), k)], idx, nh))
}), "\n")
cat("draw_sampling_strata", best(strata(frame, "h", size = nh, method = "srswor")), "\n")

# A design-based proportion over 100,000 responses in 30 strata (with fpc), logit interval.
n <- 1e5
d <- data.frame(h = sprintf("town%02d", seq_len(n) %% H), y = rbinom(n, 1, 0.6))
d$N <- 50 * as.vector(table(d$h))[match(d$h, sort(unique(d$h)))]
cat("estimate_svyciprop", best({
  des <- svydesign(ids = ~1, strata = ~h, fpc = ~N, data = d)
  svyciprop(~y, des, method = "logit")
}), "\n")
cat("estimate_svymean", best({
  des <- svydesign(ids = ~1, strata = ~h, fpc = ~N, data = d)
  confint(svymean(~y, des), df = degf(des))
}), "\n")
