;; The live views' two row loops (liveViews.ts hitRows and tofRows), which took most of the live
;; pipeline's time at high rates; viewsKernel.ts drives them. They add into the kernel's own
;; accumulators, which LiveViews folds into its views when it takes a snapshot. Every test and
;; float64 step is the TypeScript one (shared binIndex: -1 below min or NaN, nBins at or above max,
;; else floor((v - min) * scale) clamped to nBins - 1), written out at each use because V8 does not
;; inline WebAssembly calls (a $bin function took 40% of the time).
;;
;; `hits`: for n hits (x, y uint16, tot uint32): the hit map (float64, w x h, row-major) gets 1 (or
;; the tot, when $sum) at each hit on the sensor; the ToT histogram counts tot. Returns the hits off
;; the sensor; the globals `under` and `over` get the histogram's under- and overflow.
;;
;; ToT values are integers: a tot below $lutLen takes its bin from the table at $lut (int32, made by
;; viewsKernel.ts with the same binIndex), the float64 steps only above it; the same for the
;; ToF-vs-ToT's ToT bin in `tofs` ($lut2). The table saved about a fifth of both loops.
;;
;; `tofs`: for n rows (tof float64, and tot uint32 when $tot is not 0): the ToF histogram counts tof
;; (only when $fromSource, with under/overflow), and when $tot is given the ToF-vs-ToT counts (uint32,
;; row-major by ToT bin) get each row inside the ToF range at (ToT bin, col[ToF bin]).
(module
  (memory (export "memory") 1)
  (global $under (export "under") (mut i32) (i32.const 0))
  (global $over (export "over") (mut i32) (i32.const 0))

  (func (export "hits") (param $n i32) (param $x i32) (param $y i32) (param $tot i32)
        (param $w i32) (param $h i32) (param $sum i32) (param $map i32)
        (param $min f64) (param $max f64) (param $scale f64) (param $bins i32) (param $hist i32)
        (param $lut i32) (param $lutLen i32)
        (result i32)
    (local $i i32) (local $xi i32) (local $yi i32) (local $ti i32) (local $t f64) (local $a i32) (local $b i32)
    (local $off i32) (local $under i32) (local $over i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xi (i32.load16_u (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $yi (i32.load16_u (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $ti (i32.load (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $t (f64.convert_i32_u (local.get $ti)))
        (if (i32.and (i32.lt_u (local.get $xi) (local.get $w)) (i32.lt_u (local.get $yi) (local.get $h)))
          (then
            (local.set $a (i32.add (local.get $map)
                                   (i32.shl (i32.add (i32.mul (local.get $yi) (local.get $w)) (local.get $xi)) (i32.const 3))))
            (f64.store (local.get $a)
              (f64.add (f64.load (local.get $a)) (select (local.get $t) (f64.const 1) (local.get $sum)))))
          (else (local.set $off (i32.add (local.get $off) (i32.const 1)))))
        (local.set $b
          (if (result i32) (i32.lt_u (local.get $ti) (local.get $lutLen))
            (then (i32.load (i32.add (local.get $lut) (i32.shl (local.get $ti) (i32.const 2)))))
            (else
              (if (result i32) (f64.ge (local.get $t) (local.get $min))
                (then
                  (if (result i32) (f64.ge (local.get $t) (local.get $max))
                    (then (local.get $bins))
                    (else
                      (local.set $b (i32.trunc_sat_f64_s (f64.mul (f64.sub (local.get $t) (local.get $min)) (local.get $scale))))
                      (select (local.get $b) (i32.sub (local.get $bins) (i32.const 1)) (i32.lt_s (local.get $b) (local.get $bins))))))
                (else (i32.const -1))))))
        (if (i32.lt_s (local.get $b) (i32.const 0))
          (then (local.set $under (i32.add (local.get $under) (i32.const 1))))
          (else
            (if (i32.eq (local.get $b) (local.get $bins))
              (then (local.set $over (i32.add (local.get $over) (i32.const 1))))
              (else
                (local.set $a (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 3))))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $under (local.get $under))
    (global.set $over (local.get $over))
    (local.get $off))

  (func (export "tofs") (param $n i32) (param $tof i32) (param $tot i32) (param $fromSource i32)
        (param $min f64) (param $max f64) (param $scale f64) (param $bins i32) (param $hist i32) (param $col i32)
        (param $totMax f64) (param $totScale f64) (param $totBins i32) (param $tofBins i32) (param $c2 i32)
        (param $lut2 i32) (param $lut2Len i32)
    (local $i i32) (local $b i32) (local $bo i32) (local $a i32) (local $under i32) (local $over i32) (local $v f64)
    (local $ti i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (f64.load (i32.add (local.get $tof) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $b
          (if (result i32) (f64.ge (local.get $v) (local.get $min))
            (then
              (if (result i32) (f64.ge (local.get $v) (local.get $max))
                (then (local.get $bins))
                (else
                  (local.set $b (i32.trunc_sat_f64_s (f64.mul (f64.sub (local.get $v) (local.get $min)) (local.get $scale))))
                  (select (local.get $b) (i32.sub (local.get $bins) (i32.const 1)) (i32.lt_s (local.get $b) (local.get $bins))))))
            (else (i32.const -1))))
        (if (i32.lt_s (local.get $b) (i32.const 0))
          (then (local.set $under (i32.add (local.get $under) (local.get $fromSource))))
          (else
            (if (i32.eq (local.get $b) (local.get $bins))
              (then (local.set $over (i32.add (local.get $over) (local.get $fromSource))))
              (else
                (if (local.get $fromSource)
                  (then
                    (local.set $a (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 3))))
                    (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 1)))))
                (if (local.get $tot)
                  (then
                    (local.set $ti (i32.load (i32.add (local.get $tot) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $v (f64.convert_i32_u (local.get $ti)))
                    (local.set $bo
                      (if (result i32) (i32.lt_u (local.get $ti) (local.get $lut2Len))
                        (then (i32.load (i32.add (local.get $lut2) (i32.shl (local.get $ti) (i32.const 2)))))
                        (else
                          (if (result i32) (f64.ge (local.get $v) (f64.const 0))
                            (then
                              (if (result i32) (f64.ge (local.get $v) (local.get $totMax))
                                (then (local.get $totBins))
                                (else
                                  (local.set $bo (i32.trunc_sat_f64_s (f64.mul (f64.sub (local.get $v) (f64.const 0)) (local.get $totScale))))
                                  (select (local.get $bo) (i32.sub (local.get $totBins) (i32.const 1)) (i32.lt_s (local.get $bo) (local.get $totBins))))))
                            (else (i32.const -1))))))
                    (if (i32.and (i32.ge_s (local.get $bo) (i32.const 0)) (i32.lt_s (local.get $bo) (local.get $totBins)))
                      (then
                        (local.set $a
                          (i32.add (local.get $c2)
                            (i32.shl
                              (i32.add (i32.mul (local.get $bo) (local.get $tofBins))
                                       (i32.load (i32.add (local.get $col) (i32.shl (local.get $b) (i32.const 2)))))
                              (i32.const 2))))
                        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $under (local.get $under))
    (global.set $over (local.get $over)))
)
