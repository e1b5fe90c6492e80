#!/usr/bin/Rscript
# glmnet against iterum::bcd::lasso and lasso_path on the same data, interleaved.
#
# bench/bcd/lasso_trace.cpp writes the dense cases (iid 2000x5000, AR(1) 0.9) as raw doubles;
# this script fits glmnet (gaussian, standardize = FALSE, intercept = FALSE: the objective of
# iterum::bcd::lasso) at the case's lambda and along a 100-lambda path from lambda_max down to it,
# computes the relative duality gap glmnet's solution reached (iterum's certificate, gap /
# ||y||^2 in the n-multiplied objective), and runs iterum (a subprocess) to that gap, round by
# round. Prints medians of elapsed and CPU seconds for both, and glmnet's version.
#
#   Rscript bench/peers/glmnet_lasso.R build/bench/bench/lasso_trace [rounds] [cases]
# Needs Debian's r-cran-glmnet; OpenBLAS single-threaded (OPENBLAS_NUM_THREADS=1).
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
binary <- args[1]
rounds <- if (length(args) >= 2) as.integer(args[2]) else 3
cases <- if (length(args) >= 3) strsplit(args[3], ",")[[1]] else c("iid", "ar1")
dir <- tempfile()
dir.create(dir)
system2(binary, c("--write", dir, "--case", "iid"))
system2(binary, c("--write", dir, "--case", "ar1"))
rel_gap <- function(x, y, w, lambda) {
  n <- nrow(x); alpha <- n * lambda
  r <- y - x %*% w; z <- crossprod(x, r)
  s <- min(1, alpha / max(abs(z)))
  primal <- 0.5 * sum(r^2) + alpha * sum(abs(w))
  dual <- s * sum(r * y) - 0.5 * s^2 * sum(r^2)
  (primal - dual) / sum(y^2)
}
iterum <- function(case, tol, path) {
  out <- system2(binary, c("--case", case, "--tolerance", format(tol, digits = 17),
                           if (path) "--path"), stdout = TRUE)
  line <- out[length(out)]
  field <- function(name) {  # the value of "name": in the program's one-line JSON
    m <- regmatches(line, regexec(paste0('"', name, '": "?([^,"}]*)'), line))[[1]]
    m[2]
  }
  list(lambda = as.numeric(field("lambda")), seconds = as.numeric(field("seconds")),
       cpu_seconds = as.numeric(field("cpu_seconds")),
       iterations = as.numeric(field("iterations")), status = field("status"))
}
cat(sprintf("glmnet %s, R %s\n", packageVersion("glmnet"), getRversion()))
for (case in cases) {
  n <- 2000; p <- 5000
  x <- matrix(readBin(file.path(dir, paste0(case, "_X.f64")), "double", n * p), n, p)
  y <- readBin(file.path(dir, paste0(case, "_y.f64")), "double", n)
  info <- iterum(case, 1e-2, FALSE)
  lambda <- info$lambda
  lmax <- max(abs(crossprod(x, y))) / n
  for (path in c(FALSE, TRUE)) {
    fit_once <- function() {
      if (path) {
        glmnet(x, y, nlambda = 100, lambda.min.ratio = lambda / lmax, standardize = FALSE,
               intercept = FALSE)
      } else {
        glmnet(x, y, lambda = lambda, standardize = FALSE, intercept = FALSE)
      }
    }
    fit <- fit_once()
    w <- as.numeric(coef(fit, s = lambda, exact = FALSE)[-1])
    if (path) w <- as.numeric(fit$beta[, ncol(fit$beta)])
    target <- rel_gap(x, y, w, if (path) fit$lambda[length(fit$lambda)] else lambda)
    g_wall <- c(); g_cpu <- c(); i_wall <- c(); i_cpu <- c()
    for (k in seq_len(rounds)) {
      t <- system.time(fit_once())
      g_wall <- c(g_wall, t[["elapsed"]]); g_cpu <- c(g_cpu, t[["user.self"]] + t[["sys.self"]])
      last <- iterum(case, target, path)
      i_wall <- c(i_wall, last$seconds); i_cpu <- c(i_cpu, last$cpu_seconds)
    }
    cat(sprintf(paste0('{"case": "%s", "path": %s, "relative_gap": %.3g, "glmnet_wall": %.4f, ',
                       '"iterum_wall": %.4f, "wall_ratio": %.3f, "glmnet_cpu": %.4f, ',
                       '"iterum_cpu": %.4f, "cpu_ratio": %.3f, "glmnet_passes": %d, ',
                       '"iterum_epochs": %d, "iterum_status": "%s"}\n'),
                case, tolower(path), target, median(g_wall), median(i_wall),
                median(i_wall) / median(g_wall), median(g_cpu), median(i_cpu),
                median(i_cpu) / median(g_cpu), as.integer(fit$npasses),
                as.integer(last$iterations), last$status))
  }
}
