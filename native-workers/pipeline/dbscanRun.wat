;; DBSCAN straight to centroids, a window of triggers per call (dbscanKernel.ts's kernelRun drives
;; it): run() finds each trigger's rows, checks that the rows are grouped and pass the ToT filter,
;; clusters the trigger with dbscanKernel.wat's trigger() (an import: the two modules share one
;; memory) and sums its clusters' centroids from the labels while the rows are in cache. A module
;; of its own only to keep each file readable; the call per trigger (~280 hits) costs nothing.
;; Layout (bytes, beside dbscanKernel.wat's): the window's rows X 0, Y 32768 (u16), TOF 65536 (f64)
;; are the trigger() inputs (row i at slot i + 1); TOT 10485760 (u32) and TRIG 10551296 (f64) the
;; same rows' ToT and trigger number; labels LAB 655360 (i32, by hit). OUT 10682368: 16384
;; centroids per column, in centroids.ts's CENTROID_COLUMNS order (trigger, x, y, tof, tot avg,
;; tot max, size; f64).
(module
  (import "kernel" "memory" (memory 177 177))
  (import "kernel" "trigger" (func $trigger (param i32 i32 i32 i32 i32 i32 f64 i32 f64 i32) (result i32)))
  ;; run()'s centroids written (OUT), and the window row it stopped at.
  (global $nOut (export "nOut") (mut i32) (i32.const 0))
  (global $next (export "next") (mut i32) (i32.const 0))

  ;; Whole triggers from window row a on (rows a..end-1 of the window; row i at input slot i + 1),
  ;; each clustered by $trigger and its clusters' centroid sums taken from the labels while the rows
  ;; are in cache: per hit in row order (centroidKernel.wat's operations in its order, so the same
  ;; bits), then divided. Clusters are numbered by their slot in OUT (from nOut on). Stops, with
  ;; next at the trigger concerned, and returns: 0 at the end (last: the window ends the rows); 1
  ;; when the trigger at next does not end in the window (more rows needed); 2 when OUT may not hold
  ;; the trigger's clusters; 3 when the next trigger has a lower number (rows not grouped); 4 on a
  ;; row with tot < minTot (rows to be filtered); -1 or -2 when $trigger declines the trigger.
  (func (export "run")
    (param $a i32) (param $end i32) (param $last i32) (param $minTot i32)
    (param $side i32) (param $stride i32) (param $pad i32) (param $nOff i32)
    (param $eps2 f64) (param $minS i32) (param $scale f64) (result i32)
    (local $b i32) (local $len i32) (local $c i32) (local $m i32) (local $l i32) (local $r i32)
    (local $lab i32) (local $ad i32) (local $trig f64) (local $t f64) (local $s f64)
    (block $stop (loop $triggers
      (if (i32.ge_u (local.get $a) (local.get $end))
        (then (global.set $next (local.get $a)) (return (i32.const 0))))
      ;; The trigger's rows (and the ToT filter on each).
      (local.set $trig (f64.load offset=10551296 (i32.shl (i32.add (local.get $a) (i32.const 1)) (i32.const 3))))
      (local.set $b (local.get $a))
      (block $ends (loop $scan
        (br_if $ends (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $r (i32.add (local.get $b) (i32.const 1)))
        (br_if $ends (f64.ne (f64.load offset=10551296 (i32.shl (local.get $r) (i32.const 3))) (local.get $trig)))
        (if (i32.lt_u (i32.load offset=10485760 (i32.shl (local.get $r) (i32.const 2))) (local.get $minTot))
          (then (global.set $next (local.get $a)) (return (i32.const 4))))
        (local.set $b (local.get $r))
        (br $scan)))
      (if (i32.lt_u (local.get $b) (local.get $end))
        (then
          (if (f64.lt (f64.load offset=10551296 (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 3)))
                      (local.get $trig))
            (then (global.set $next (local.get $a)) (return (i32.const 3)))))
        (else
          (if (i32.eqz (local.get $last))
            (then (global.set $next (local.get $a)) (return (i32.const 1))))))
      (local.set $len (i32.sub (local.get $b) (local.get $a)))
      (if (i32.ge_s (local.get $len) (local.get $minS))
        (then
          (if (i32.gt_u (i32.add (global.get $nOut) (local.get $len)) (i32.const 16384))
            (then (global.set $next (local.get $a)) (return (i32.const 2))))
          (local.set $m (global.get $nOut))
          (local.set $c (call $trigger (local.get $a) (local.get $len) (local.get $side) (local.get $stride)
            (local.get $pad) (local.get $nOff) (local.get $eps2) (local.get $minS) (local.get $scale)
            (local.get $m)))
          (if (i32.lt_s (local.get $c) (i32.const 0))
            (then (global.set $next (local.get $a)) (return (local.get $c))))
          (if (i32.gt_u (local.get $c) (local.get $m))
            (then
              ;; Zero sums (max ToT -1) for the trigger's clusters m..c-1, then its hits in order.
              (local.set $l (local.get $m))
              (block $zeroed (loop $zero
                (br_if $zeroed (i32.ge_u (local.get $l) (local.get $c)))
                (local.set $ad (i32.shl (local.get $l) (i32.const 3)))
                (f64.store offset=10682368 (local.get $ad) (f64.const 0))
                (f64.store offset=10813440 (local.get $ad) (f64.const 0))
                (f64.store offset=10944512 (local.get $ad) (f64.const 0))
                (f64.store offset=11075584 (local.get $ad) (f64.const 0))
                (f64.store offset=11206656 (local.get $ad) (f64.const 0))
                (f64.store offset=11337728 (local.get $ad) (f64.const -1))
                (f64.store offset=11468800 (local.get $ad) (f64.const 0))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $zero)))
              (local.set $l (i32.const 1))
              (block $summed (loop $sum
                (br_if $summed (i32.gt_u (local.get $l) (local.get $len)))
                (local.set $lab (i32.load offset=655360 (i32.shl (local.get $l) (i32.const 2))))
                (if (i32.ge_s (local.get $lab) (i32.const 0))
                  (then
                    (local.set $ad (i32.shl (local.get $lab) (i32.const 3)))
                    (local.set $r (i32.add (local.get $a) (local.get $l)))
                    (local.set $t (f64.convert_i32_u (i32.load offset=10485760 (i32.shl (local.get $r) (i32.const 2)))))
                    (f64.store offset=11206656 (local.get $ad)
                      (f64.add (f64.load offset=11206656 (local.get $ad)) (local.get $t)))
                    (f64.store offset=10813440 (local.get $ad)
                      (f64.add (f64.load offset=10813440 (local.get $ad))
                        (f64.mul (f64.convert_i32_u (i32.load16_u (i32.shl (local.get $r) (i32.const 1)))) (local.get $t))))
                    (f64.store offset=10944512 (local.get $ad)
                      (f64.add (f64.load offset=10944512 (local.get $ad))
                        (f64.mul (f64.convert_i32_u (i32.load16_u offset=32768 (i32.shl (local.get $r) (i32.const 1))))
                          (local.get $t))))
                    (f64.store offset=11075584 (local.get $ad)
                      (f64.add (f64.load offset=11075584 (local.get $ad))
                        (f64.mul (f64.load offset=65536 (i32.shl (local.get $r) (i32.const 3))) (local.get $t))))
                    (f64.store offset=11468800 (local.get $ad)
                      (f64.add (f64.load offset=11468800 (local.get $ad)) (f64.const 1)))
                    (if (f64.gt (local.get $t) (f64.load offset=11337728 (local.get $ad)))
                      (then
                        (f64.store offset=11337728 (local.get $ad) (local.get $t))
                        (f64.store offset=10682368 (local.get $ad)
                          (f64.load offset=10551296 (i32.shl (local.get $r) (i32.const 3))))))))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $sum)))
              ;; x, y, tof = sums / ToT sum; tot avg = ToT sum / count.
              (local.set $l (local.get $m))
              (block $divided (loop $divide
                (br_if $divided (i32.ge_u (local.get $l) (local.get $c)))
                (local.set $ad (i32.shl (local.get $l) (i32.const 3)))
                (local.set $s (f64.load offset=11206656 (local.get $ad)))
                (f64.store offset=10813440 (local.get $ad) (f64.div (f64.load offset=10813440 (local.get $ad)) (local.get $s)))
                (f64.store offset=10944512 (local.get $ad) (f64.div (f64.load offset=10944512 (local.get $ad)) (local.get $s)))
                (f64.store offset=11075584 (local.get $ad) (f64.div (f64.load offset=11075584 (local.get $ad)) (local.get $s)))
                (f64.store offset=11206656 (local.get $ad) (f64.div (local.get $s) (f64.load offset=11468800 (local.get $ad))))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $divide)))
              (global.set $nOut (local.get $c))))))
      (local.set $a (local.get $b))
      (br $triggers)))
    (unreachable))
)
