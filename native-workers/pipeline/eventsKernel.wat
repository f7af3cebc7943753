;; Event building's two passes over the pending hits (eventBuilder.ts explains the whole scheme;
;; eventsKernel.ts lays out the memory and drives this). Every comparison and float64 operation is
;; the TypeScript builder's, in the same order, so rows and counts are identical.
;;
;; `slots`: for each pending hit i, its trigger slot s (the last final trigger at or before it), or
;; KEEP (-1: at or after the watermark, stays pending), or DROP (-2: before the first trigger, or
;; tof outside the event window). Counts rows per slot in bucket[s + 1]. Hits come nearly in time
;; order, so the previous hit's slot is tried first, then its neighbours, then a binary search;
;; four hits of the current slot in a row are assigned as one SIMD step.
;; Returns the number of hits before the first trigger; the global `outside` gets the number
;; outside the window.
;;
;; `latest`: the largest of toa[from .. from + n) and `start`, skipping NaN like `t > latest` does.
;;
;; `place`: with bucket[] turned into each slot's first output row, writes every assigned hit to
;; its row (grouped by trigger, arrival order within one) as trigger number, x, y, tof, tot, and
;; moves the kept hits to the front of the pending columns. Returns the number kept. Runs of four
;; hits of one trigger move as blocks with SIMD.
(module
  (memory (export "memory") 1)
  (global $outside (export "outside") (mut i32) (i32.const 0))

  (func (export "slots") (param $toa i32) (param $n i32) (param $trig i32) (param $lastFinal i32)
        (param $watermark f64) (param $first f64) (param $windowMin f64) (param $windowMax f64)
        (param $slot i32) (param $bucket i32) (result i32)
    (local $i i32) (local $s i32) (local $t f64) (local $tof f64) (local $dropped i32) (local $outside i32)
    (local $lo i32) (local $hi i32) (local $mid i32) (local $ts i32)
    (local $start v128) (local $end v128) (local $min v128) (local $max v128) (local $a i32) (local $v v128)
    (local $w v128)
    (local.set $min (f64x2.splat (local.get $windowMin)))
    (local.set $max (f64x2.splat (local.get $windowMax)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; Four hits that all belong to the current slot s and fall in the window (the common case)
        ;; go as one step: trig[s] <= t < min(trig[s + 1] (or none at the last final trigger),
        ;; watermark), and windowMin <= t - trig[s] <= windowMax, the same float64 tests per lane.
        (if (i32.and (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $n))
                     (i32.le_s (local.get $s) (local.get $lastFinal)))
          (then
            (local.set $ts (i32.add (local.get $trig) (i32.shl (local.get $s) (i32.const 3))))
            (local.set $start (f64x2.splat (f64.load (local.get $ts))))
            (local.set $end
              (f64x2.splat
                (if (result f64) (i32.eq (local.get $s) (local.get $lastFinal))
                  (then (local.get $watermark))
                  (else (f64.min (f64.load offset=8 (local.get $ts)) (local.get $watermark))))))
            (local.set $a (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $v (v128.load (local.get $a)))
            (local.set $w (v128.load offset=16 (local.get $a)))
            (if (i64x2.all_true
                  (v128.and
                    (v128.and
                      (v128.and (f64x2.le (local.get $start) (local.get $v)) (f64x2.lt (local.get $v) (local.get $end)))
                      (v128.and (f64x2.le (local.get $start) (local.get $w)) (f64x2.lt (local.get $w) (local.get $end))))
                    (v128.and
                      (v128.and (f64x2.ge (f64x2.sub (local.get $v) (local.get $start)) (local.get $min))
                                (f64x2.le (f64x2.sub (local.get $v) (local.get $start)) (local.get $max)))
                      (v128.and (f64x2.ge (f64x2.sub (local.get $w) (local.get $start)) (local.get $min))
                                (f64x2.le (f64x2.sub (local.get $w) (local.get $start)) (local.get $max))))))
              (then
                (v128.store (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))) (i32x4.splat (local.get $s)))
                (local.set $ts (i32.add (local.get $bucket) (i32.shl (local.get $s) (i32.const 2))))
                (i32.store offset=4 (local.get $ts) (i32.add (i32.load offset=4 (local.get $ts)) (i32.const 4)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $next)))))
        (block $continue
          (local.set $t (f64.load (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3)))))
          (if (f64.ge (local.get $t) (local.get $watermark))
            (then
              (i32.store (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))) (i32.const -1))
              (br $continue)))
          (if (f64.lt (local.get $t) (local.get $first))
            (then
              (i32.store (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))) (i32.const -2))
              (local.set $dropped (i32.add (local.get $dropped) (i32.const 1)))
              (br $continue)))
          ;; $ts: address of trig[s]
          (local.set $ts (i32.add (local.get $trig) (i32.shl (local.get $s) (i32.const 3))))
          (if (i32.eqz
                (i32.and (f64.le (f64.load (local.get $ts)) (local.get $t))
                         (i32.or (i32.eq (local.get $s) (local.get $lastFinal))
                                 (f64.lt (local.get $t) (f64.load offset=8 (local.get $ts))))))
            (then
              (if (i32.and
                    (i32.and (i32.lt_s (local.get $s) (local.get $lastFinal))
                             (f64.le (f64.load offset=8 (local.get $ts)) (local.get $t)))
                    (i32.or (i32.eq (i32.add (local.get $s) (i32.const 1)) (local.get $lastFinal))
                            (f64.lt (local.get $t) (f64.load offset=16 (local.get $ts)))))
                (then (local.set $s (i32.add (local.get $s) (i32.const 1))))
                (else
                  (if (i32.and
                        (i32.gt_s (local.get $s) (i32.const 0))
                        (i32.and (f64.le (f64.load (i32.sub (local.get $ts) (i32.const 8))) (local.get $t))
                                 (f64.lt (local.get $t) (f64.load (local.get $ts)))))
                    (then (local.set $s (i32.sub (local.get $s) (i32.const 1))))
                    (else
                      ;; the last trigger at or before t, among 0 .. lastFinal
                      (local.set $lo (i32.const 0))
                      (local.set $hi (local.get $lastFinal))
                      (block $found
                        (loop $search
                          (br_if $found (i32.ge_s (local.get $lo) (local.get $hi)))
                          (local.set $mid (i32.shr_u (i32.add (i32.add (local.get $lo) (local.get $hi)) (i32.const 1))
                                                     (i32.const 1)))
                          (if (f64.le (f64.load (i32.add (local.get $trig) (i32.shl (local.get $mid) (i32.const 3))))
                                      (local.get $t))
                            (then (local.set $lo (local.get $mid)))
                            (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
                          (br $search)))
                      (local.set $s (local.get $lo))))))))
          (local.set $tof (f64.sub (local.get $t)
                                   (f64.load (i32.add (local.get $trig) (i32.shl (local.get $s) (i32.const 3))))))
          (if (i32.and (f64.ge (local.get $tof) (local.get $windowMin)) (f64.le (local.get $tof) (local.get $windowMax)))
            (then
              (i32.store (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
              (local.set $ts (i32.add (local.get $bucket) (i32.shl (local.get $s) (i32.const 2))))
              (i32.store offset=4 (local.get $ts) (i32.add (i32.load offset=4 (local.get $ts)) (i32.const 1))))
            (else
              (i32.store (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))) (i32.const -2))
              (local.set $outside (i32.add (local.get $outside) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $outside (local.get $outside))
    (local.get $dropped))

  (func (export "latest") (param $toa i32) (param $from i32) (param $n i32) (param $start f64) (result f64)
    (local $a i32) (local $end i32) (local $m v128) (local $v f64) (local $best f64)
    (local.set $a (i32.add (local.get $toa) (i32.shl (local.get $from) (i32.const 3))))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $m (f64x2.splat (local.get $start)))
    ;; pmax(m, v) is (m < v ? v : m): a NaN in v leaves m
    (block $pairs
      (loop $next
        (br_if $pairs (i32.gt_u (i32.add (local.get $a) (i32.const 16)) (local.get $end)))
        (local.set $m (f64x2.pmax (local.get $m) (v128.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $next)))
    (local.set $best (f64x2.extract_lane 0 (local.get $m)))
    (if (f64.lt (local.get $best) (f64x2.extract_lane 1 (local.get $m)))
      (then (local.set $best (f64x2.extract_lane 1 (local.get $m)))))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (local.set $v (f64.load (local.get $a)))
        (if (f64.lt (local.get $best) (local.get $v)) (then (local.set $best (local.get $v))))))
    (local.get $best))

  (func (export "place") (param $n i32) (param $slot i32) (param $bucket i32) (param $trig i32) (param $firstNr f64)
        (param $x i32) (param $y i32) (param $toa i32) (param $tot i32)
        (param $outNr i32) (param $outX i32) (param $outY i32) (param $outTof i32) (param $outTot i32)
        (result i32)
    (local $i i32) (local $k i32) (local $r i32) (local $kept i32) (local $b i32) (local $o i32) (local $t v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.load (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2)))))
        ;; Eight hits of one trigger in a row: as four below, twice, with one row count update.
        (if (i32.and
              (i32.and (i32.ge_s (local.get $k) (i32.const 0))
                       (i32.le_u (i32.add (local.get $i) (i32.const 8)) (local.get $n)))
              (i32x4.all_true
                (v128.and
                  (i32x4.eq (v128.load (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))))
                            (local.tee $t (i32x4.splat (local.get $k))))
                  (i32x4.eq (v128.load offset=16 (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))))
                            (local.get $t)))))
          (then
            (local.set $b (i32.add (local.get $bucket) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $r (i32.load (local.get $b)))
            (i32.store (local.get $b) (i32.add (local.get $r) (i32.const 8)))
            (local.set $t (f64x2.splat (f64.add (local.get $firstNr) (f64.convert_i32_s (local.get $k)))))
            (local.set $b (i32.add (local.get $outNr) (i32.shl (local.get $r) (i32.const 3))))
            (v128.store (local.get $b) (local.get $t))
            (v128.store offset=16 (local.get $b) (local.get $t))
            (v128.store offset=32 (local.get $b) (local.get $t))
            (v128.store offset=48 (local.get $b) (local.get $t))
            (v128.store (i32.add (local.get $outX) (i32.shl (local.get $r) (i32.const 1)))
                        (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
            (v128.store (i32.add (local.get $outY) (i32.shl (local.get $r) (i32.const 1)))
                        (v128.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1)))))
            (local.set $b (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $o (i32.add (local.get $outTot) (i32.shl (local.get $r) (i32.const 2))))
            (v128.store (local.get $o) (v128.load (local.get $b)))
            (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $b)))
            (local.set $t (f64x2.splat (f64.load (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $b (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $r (i32.add (local.get $outTof) (i32.shl (local.get $r) (i32.const 3))))
            (v128.store (local.get $r) (f64x2.sub (v128.load (local.get $b)) (local.get $t)))
            (v128.store offset=16 (local.get $r) (f64x2.sub (v128.load offset=16 (local.get $b)) (local.get $t)))
            (v128.store offset=32 (local.get $r) (f64x2.sub (v128.load offset=32 (local.get $b)) (local.get $t)))
            (v128.store offset=48 (local.get $r) (f64x2.sub (v128.load offset=48 (local.get $b)) (local.get $t)))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $next)))
        ;; Four hits of one trigger in a row (the common case) go as one step: their rows follow each
        ;; other, so each column moves as a block; tof is the same float64 subtraction per lane.
        (if (i32.and
              (i32.and (i32.ge_s (local.get $k) (i32.const 0))
                       (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
              (i32x4.all_true
                (i32x4.eq (v128.load (i32.add (local.get $slot) (i32.shl (local.get $i) (i32.const 2))))
                          (i32x4.splat (local.get $k)))))
          (then
            (local.set $b (i32.add (local.get $bucket) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $r (i32.load (local.get $b)))
            (i32.store (local.get $b) (i32.add (local.get $r) (i32.const 4)))
            (local.set $t (f64x2.splat (f64.add (local.get $firstNr) (f64.convert_i32_s (local.get $k)))))
            (local.set $b (i32.add (local.get $outNr) (i32.shl (local.get $r) (i32.const 3))))
            (v128.store (local.get $b) (local.get $t))
            (v128.store offset=16 (local.get $b) (local.get $t))
            (i64.store (i32.add (local.get $outX) (i32.shl (local.get $r) (i32.const 1)))
                       (i64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
            (i64.store (i32.add (local.get $outY) (i32.shl (local.get $r) (i32.const 1)))
                       (i64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1)))))
            (v128.store (i32.add (local.get $outTot) (i32.shl (local.get $r) (i32.const 2)))
                        (v128.load (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $t (f64x2.splat (f64.load (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $b (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $r (i32.add (local.get $outTof) (i32.shl (local.get $r) (i32.const 3))))
            (v128.store (local.get $r) (f64x2.sub (v128.load (local.get $b)) (local.get $t)))
            (v128.store offset=16 (local.get $r) (f64x2.sub (v128.load offset=16 (local.get $b)) (local.get $t)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $next)))
        (if (i32.ge_s (local.get $k) (i32.const 0))
          (then
            (local.set $b (i32.add (local.get $bucket) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $r (i32.load (local.get $b)))
            (i32.store (local.get $b) (i32.add (local.get $r) (i32.const 1)))
            (f64.store (i32.add (local.get $outNr) (i32.shl (local.get $r) (i32.const 3)))
                       (f64.add (local.get $firstNr) (f64.convert_i32_s (local.get $k))))
            (i32.store16 (i32.add (local.get $outX) (i32.shl (local.get $r) (i32.const 1)))
                         (i32.load16_u (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
            (i32.store16 (i32.add (local.get $outY) (i32.shl (local.get $r) (i32.const 1)))
                         (i32.load16_u (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1)))))
            (f64.store (i32.add (local.get $outTof) (i32.shl (local.get $r) (i32.const 3)))
                       (f64.sub (f64.load (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3))))
                                (f64.load (i32.add (local.get $trig) (i32.shl (local.get $k) (i32.const 3))))))
            (i32.store (i32.add (local.get $outTot) (i32.shl (local.get $r) (i32.const 2)))
                       (i32.load (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2))))))
          (else
            (if (i32.eq (local.get $k) (i32.const -1))
              (then
                (i32.store16 (i32.add (local.get $x) (i32.shl (local.get $kept) (i32.const 1)))
                             (i32.load16_u (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
                (i32.store16 (i32.add (local.get $y) (i32.shl (local.get $kept) (i32.const 1)))
                             (i32.load16_u (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1)))))
                (f64.store (i32.add (local.get $toa) (i32.shl (local.get $kept) (i32.const 3)))
                           (f64.load (i32.add (local.get $toa) (i32.shl (local.get $i) (i32.const 3)))))
                (i32.store (i32.add (local.get $tot) (i32.shl (local.get $kept) (i32.const 2)))
                           (i32.load (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $kept (i32.add (local.get $kept) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $kept))
)
