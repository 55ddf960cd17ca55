# The attack lab's time series as two PNG plots. Variables set with -e:
#   csv         bench/out/lab/timeseries.csv (t_s,attack_offered,attack_dropped_kernel,
#               attack_reached_switch,legit_calls_attempted,legit_calls_completed)
#   packets_png attack packets offered and dropped in the kernel (top), reaching the switch
#               (bottom, on its own scale: a few packets against thousands)
#   calls_png   legitimate calls attempted and completed
set datafile separator ","
set terminal pngcairo size 960,640 font "sans,10"
set grid
set key outside right top vertical
set lmargin 10
set rmargin 28

set output packets_png
set multiplot layout 2,1 title "Attack packets per second"
set ylabel "packets/s"
set yrange [0:*]
unset xlabel
plot csv using 1:2 skip 1 with lines lw 5 lc rgb "#f4a582" title "offered", \
     csv using 1:3 skip 1 with lines lw 2 lc rgb "#2166ac" title "dropped in the kernel"
set xlabel "time (s)"
plot csv using 1:4 skip 1 with lines lw 2 lc rgb "#b2182b" title "reaching the switch"
unset multiplot

set terminal pngcairo size 960,400 font "sans,10"
set output calls_png
set title "Legitimate calls per second under attack"
set ylabel "calls/s"
plot csv using 1:5 skip 1 with lines lw 5 lc rgb "#a6dba0" title "attempted", \
     csv using 1:6 skip 1 with linespoints lw 2 pt 7 ps 0.6 lc rgb "#1b7837" title "completed"
unset output
